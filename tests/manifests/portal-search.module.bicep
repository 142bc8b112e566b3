// A search service, whose connection string (with its admin key) goes to the portal's Key
// Vault rather than to any output.
param location string = resourceGroup().location

param portal_kv_outputs_name string

@minValue(1)
param replicas int = 1

param semanticSearch bool = true

param allowedOrigins array = []

resource search 'Microsoft.Search/searchServices@2025-05-01' = {
  name: take('portalsearch-${uniqueString(resourceGroup().id)}', 60)
  location: location
  sku: {
    name: 'basic'
  }
  properties: {
    replicaCount: replicas
    semanticSearch: semanticSearch ? 'free' : 'disabled'
  }
  tags: {
    'allowed-origins': join(allowedOrigins, ' ')
  }
}

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: portal_kv_outputs_name
}

resource connectionString 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: 'connectionstrings--search'
  properties: {
    value: 'Endpoint=https://${search.name}.search.windows.net;Key=${search.listAdminKeys().primaryKey}'
  }
}
