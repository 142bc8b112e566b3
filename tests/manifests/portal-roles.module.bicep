// Lets the deploying principal read and write the scanned documents.
param portal_storage_outputs_name string

param principalId string

param principalType string

resource storage 'Microsoft.Storage/storageAccounts@2025-08-01' existing = {
  name: portal_storage_outputs_name
}

resource blobDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, principalId, 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
  scope: storage
  properties: {
    principalId: principalId
    principalType: principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
  }
}
