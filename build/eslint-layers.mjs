import { builtinModules } from 'node:module';
import path from 'node:path';

/**
 * A local ESLint plugin with one rule, `layers/arrows`: every import is resolved to what it
 * names (a repo path, a Node built-in or an npm package), both ends are put into a layer, and
 * the pair must be an arrow of the table in eslint.config.js. The same idea as VS Code's
 * `code-layering`: matching paths instead of import strings, so "../" depth, dynamic import()
 * and require() cannot slip past.
 *
 * Resolution is lexical (path.resolve against the importing file, no file system look-up): the
 * layer of a path does not depend on whether the file exists yet, and the layer tests lint
 * snippets at virtual paths.
 */

const BUILTINS = new Set(builtinModules);
/** Extensions that say nothing about the layer: `core/ports.ts` and `core/ports` are one module. */
const SCRIPT_EXTENSION = /(\.d)?\.[cm]?[jt]sx?$/;

/** `a/*` matches a file directly in a; `a/**` matches a itself and anything below it. */
function globToRegExp(glob) {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (glob.startsWith('/**', i) && i + 3 === glob.length) {
      source += '(/.*)?';
      i += 2;
    } else if (glob.startsWith('**', i)) {
      source += '.*';
      i += 1;
    } else if (c === '*') {
      source += '[^/]*';
    } else {
      source += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

/** The package a bare specifier names: `@scope/name` or `name`, without a subpath. */
function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function isPathSpecifier(specifier) {
  return (
    /^\.\.?(\/|$)/.test(specifier) || path.posix.isAbsolute(specifier) || path.win32.isAbsolute(specifier)
  );
}

/** The string a specifier node holds, or undefined when it is computed at run time. */
function staticString(node) {
  if (node?.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node?.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0].value.cooked;
  return undefined;
}

const arrows = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports follow the arrows between architecture layers (docs/architecture.md).' },
    schema: [
      {
        type: 'object',
        required: ['root', 'packages', 'layers'],
        additionalProperties: false,
        properties: {
          root: { type: 'string' },
          packages: {
            type: 'object',
            required: ['*'],
            description:
              'The layer of a bare specifier by package name, "*" for the rest; built-ins are "node".',
            additionalProperties: { type: 'string' },
          },
          layers: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name', 'files', 'allow', 'why'],
              additionalProperties: false,
              properties: {
                name: { type: 'string' },
                files: { type: 'array', items: { type: 'string' } },
                allow: { type: 'array', items: { type: 'string' } },
                why: { type: 'string' },
                because: { type: 'object', additionalProperties: { type: 'string' } },
              },
            },
          },
        },
      },
    ],
    messages: {
      arrow:
        "{{from}} -> {{to}} is not an allowed arrow ('{{specifier}}'): {{why}} {{from}} imports only: {{allowed}}.",
      unlisted:
        "'{{specifier}}' resolves to {{target}}, which is in no layer: {{from}} imports only: {{allowed}}. Add the folder to the layer table in eslint.config.js if it is meant to be imported.",
      computed:
        'The layer rule cannot check an import whose specifier is computed at run time: name the module with a string literal.',
      noLayer: '{{file}} is in no layer: add its folder to the layer table in eslint.config.js.',
    },
  },

  create(context) {
    const { root, layers, packages } = context.options[0];
    const table = layers.map((layer) => ({ ...layer, patterns: layer.files.map(globToRegExp) }));
    const layerOf = (repoPath) => {
      const key = repoPath.replace(SCRIPT_EXTENSION, '');
      return table.find((layer) => layer.patterns.some((re) => re.test(key)));
    };
    const toRepoPath = (absolute) => path.relative(root, absolute).split(path.sep).join('/');

    const file = toRepoPath(context.filename);
    const from = layerOf(file);
    if (!from) {
      return {
        Program(node) {
          context.report({ node, messageId: 'noLayer', data: { file } });
        },
      };
    }
    if (from.allow.includes('*')) return {};
    const allowed = from.allow.join(', ');

    /** The layer name of what the specifier names, and for a path, the repo path it resolves to. */
    const resolve = (specifier) => {
      if (isPathSpecifier(specifier)) {
        const target = toRepoPath(path.resolve(path.dirname(context.filename), specifier));
        return { layer: layerOf(target)?.name, target };
      }
      if (specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(packageName(specifier))) {
        return { layer: 'node' };
      }
      return { layer: packages[packageName(specifier)] ?? packages['*'] };
    };

    const check = (node, sourceNode) => {
      const specifier = staticString(sourceNode);
      if (specifier === undefined) {
        context.report({ node, messageId: 'computed' });
        return;
      }
      const { layer, target } = resolve(specifier);
      if (layer === undefined) {
        context.report({
          node,
          messageId: 'unlisted',
          data: { specifier, target, from: from.name, allowed },
        });
      } else if (!from.allow.includes(layer)) {
        const why = from.because?.[layer] ?? from.why;
        context.report({
          node,
          messageId: 'arrow',
          data: { from: from.name, to: layer, specifier, why, allowed },
        });
      }
    };

    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source),
      // import x = require('...'); `import x = Other.Name` has no module to check.
      TSImportEqualsDeclaration: (node) =>
        node.moduleReference.type === 'TSExternalModuleReference' &&
        check(node, node.moduleReference.expression),
      // typeof import('...') in a type position.
      TSImportType: (node) => check(node, node.source ?? node.argument?.literal),
      CallExpression(node) {
        if (
          node.callee.type === 'Identifier' &&
          node.callee.name === 'require' &&
          node.arguments.length > 0
        ) {
          check(node, node.arguments[0]);
        }
      },
    };
  },
};

export default {
  meta: { name: 'eslint-plugin-layers' },
  rules: { arrows },
};
