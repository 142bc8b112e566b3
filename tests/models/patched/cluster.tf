# The body of aws_ecs_cluster.main's override: Container Insights on the cluster.
setting {
  name  = "containerInsights"
  value = "enabled"
}
