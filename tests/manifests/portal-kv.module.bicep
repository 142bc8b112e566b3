// A Key Vault for the portal's connection strings; other modules write secrets into it.
param location string = resourceGroup().location

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: take('portalkv-${uniqueString(resourceGroup().id)}', 24)
  location: location
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
  }
}

output vaultUri string = vault.properties.vaultUri

output name string = vault.name
