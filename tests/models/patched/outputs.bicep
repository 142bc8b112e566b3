@description('The resource id of the API\'s container app.')
output api_app_id string = apiApp.id
