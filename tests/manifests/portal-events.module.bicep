// An event hub in a namespace that another team owns, in their resource group.
param location string = resourceGroup().location

param existingNamespaceName string

resource namespace 'Microsoft.EventHub/namespaces@2026-01-01' existing = {
  name: existingNamespaceName
}

resource claims 'Microsoft.EventHub/namespaces/eventhubs@2026-01-01' = {
  parent: namespace
  name: 'claims'
  properties: {
    partitionCount: 2
  }
}

output eventHubsEndpoint string = namespace.properties.serviceBusEndpoint

output location string = location
