// Writes what the template checker (cli's TemplateChecker) needs from the pinned @aws-cdk/aws-service-spec:
// the name of every CloudFormation resource type, and the schema (properties with their types and whether they
// are required, attributes, and the property types they use) of each AWS:: type the shipped templates use.
// Output: cli/src/test/resources/aws/cfn-resource-spec.json, or the path given as argument.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const target = resolve(process.argv[2] ?? resolve(repo, 'cli/src/test/resources/aws/cfn-resource-spec.json'));
const templates = ['customer', 'organization', 'provider'].map((t) => resolve(repo, `cli/src/main/resources/cloudformation/${t}.json`));
const version = createRequire(import.meta.url)('@aws-cdk/aws-service-spec/package.json').version;
const byCodePoint = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

const db = loadAwsServiceSpecSync();
const resourceTypes = db.all('resource').map((r) => r.cloudFormationType).sort(byCodePoint);

const used = new Set();
for (const file of templates) {
  const template = JSON.parse(readFileSync(file, 'utf-8'));
  for (const resource of Object.values(template.Resources ?? {})) {
    if (typeof resource.Type === 'string' && resource.Type.startsWith('AWS::')) used.add(resource.Type);
  }
}

function typeOf(type, defs) {
  switch (type.type) {
    case 'array':
    case 'map':
      return { type: type.type, element: typeOf(type.element, defs) };
    case 'union':
      return { type: 'union', types: type.types.map((t) => typeOf(t, defs)) };
    case 'ref': {
      const def = db.get('typeDefinition', type.reference.$ref);
      if (!(def.name in defs)) {
        defs[def.name] = null; // claimed first: property types may refer to themselves
        defs[def.name] = { properties: propertiesOf(def.properties, defs) };
      }
      return { type: 'ref', name: def.name };
    }
    default:
      return { type: type.type };
  }
}

function propertiesOf(properties, defs) {
  const out = {};
  for (const name of Object.keys(properties).sort(byCodePoint)) {
    const p = properties[name];
    out[name] = p.required ? { type: typeOf(p.type, defs), required: true } : { type: typeOf(p.type, defs) };
  }
  return out;
}

const schemas = {};
for (const name of [...used].sort(byCodePoint)) {
  const resource = db.lookup('resource', 'cloudFormationType', 'equals', name);
  if (resource.length !== 1) throw new Error(`${name} is not a CloudFormation resource type`);
  const defs = {};
  const properties = propertiesOf(resource[0].properties, defs);
  const attributes = {};
  for (const a of Object.keys(resource[0].attributes).sort(byCodePoint)) {
    attributes[a] = typeOf(resource[0].attributes[a].type, defs);
  }
  const types = {};
  for (const d of Object.keys(defs).sort(byCodePoint)) types[d] = defs[d];
  schemas[name] = { properties, attributes, types };
}

const spec = {
  source: `@aws-cdk/aws-service-spec ${version}`,
  generatedBy: 'tools/cfn-spec (npm ci && npm run generate); do not edit by hand',
  resourceTypes,
  schemas,
};
writeFileSync(target, JSON.stringify(spec, null, 1) + '\n');
console.log(`${resourceTypes.length} resource types, ${Object.keys(schemas).length} schemas written to ${target}`);
