// A storage account for scanned claim documents, with a blob endpoint for the intake service.
@description('The location of the storage account.')
param location string = resourceGroup().location

param tags object = {}

resource storage 'Microsoft.Storage/storageAccounts@2025-08-01' = {
  name: take('portalst${uniqueString(resourceGroup().id)}', 24)
  kind: 'StorageV2'
  location: location
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    allowSharedKeyAccess: false
    minimumTlsVersion: 'TLS1_2'
  }
  tags: tags
}

output blobEndpoint string = storage.properties.primaryEndpoints.blob

output name string = storage.name
