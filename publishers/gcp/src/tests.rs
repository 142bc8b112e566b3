//! Tests of the terraform-gcp target.
