// An Azure Cache for Redis in the older Aspire style: its connection string is a secret
// output, written to the Key Vault the deployment gives it.
param location string = resourceGroup().location

param keyVaultName string

resource cache 'Microsoft.Cache/redis@2024-11-01' = {
  name: take('portalcache-${uniqueString(resourceGroup().id)}', 63)
  location: location
  properties: {
    sku: {
      name: 'Basic'
      family: 'C'
      capacity: 0
    }
    enableNonSslPort: false
    minimumTlsVersion: '1.2'
  }
}

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

resource connectionString 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: 'connectionString'
  properties: {
    value: '${cache.properties.hostName}:6380,password=${cache.listKeys().primaryKey},ssl=True'
  }
}
