import ts from 'typescript';

/** What the rewrite did to one bundle. */
export interface EagerWrappersResult {
  code: string;
  /** Wrappers rewritten to `(function(exports,module){…})`. */
  rewritten: number;
  /** Wrappers left as arrows: their top level reads `this`, `arguments` or calls `eval`. */
  kept: number;
}

/**
 * Minified, esbuild wraps each bundled CommonJS module in an arrow, `var X=U((e,t)=>{…})`, called
 * once when the module is first required. V8 pre-parses that arrow while compiling the bundle and
 * parses it fully again when it runs at load, for ~50 modules (undici, pino, …). A function
 * expression directly after `(` is compiled eagerly instead (V8's PIFE heuristic; an arrow after
 * `(` is not, on any Node from 16 to 24), so each wrapper becomes `U((function(e,t){…}))`.
 *
 * Only the wrappers: the argument of a call, in a top-level `var`, of esbuild's `__commonJS`
 * helper (found by its shape; top-level names are not shadowed there). An arrow and a function
 * differ only in `this`, `arguments` and a direct `eval` at the wrapper's own level; esbuild
 * already turns a module's top-level `this` into `exports`, and a wrapper that still has any of
 * the three is left as it is. Unminified output (methods, not arrows) is returned unchanged.
 */
export function compileCommonJsWrappersEagerly(code: string): EagerWrappersResult {
  const file = ts.createSourceFile('index.js', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const helpers = new Set<string>();
  const wrappers: ts.ArrowFunction[] = [];
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      const init = declaration.initializer;
      if (init === undefined || !ts.isIdentifier(declaration.name)) continue;
      if (isCommonJsHelper(init)) helpers.add(declaration.name.text);
      else if (ts.isCallExpression(init) && ts.isIdentifier(init.expression) && helpers.has(init.expression.text) && init.arguments.length === 1) {
        const wrapper = init.arguments[0];
        if (wrapper !== undefined && ts.isArrowFunction(wrapper) && ts.isBlock(wrapper.body) && wrapper.modifiers === undefined) wrappers.push(wrapper);
      }
    }
  }
  const edits: Array<{ start: number; end: number; text: string }> = [];
  let kept = 0;
  for (const wrapper of wrappers) {
    const simpleParameters = wrapper.parameters.every((parameter) => ts.isIdentifier(parameter.name) && parameter.initializer === undefined && parameter.dotDotDotToken === undefined);
    if (!simpleParameters || readsOwnFunctionScope(wrapper.body)) {
      kept += 1;
      continue;
    }
    const parameters = wrapper.parameters.map((parameter) => parameter.name.getText(file)).join(',');
    edits.push({ start: wrapper.getStart(file), end: wrapper.end, text: `(function(${parameters})${wrapper.body.getText(file)})` });
  }
  let out = '';
  let from = 0;
  for (const edit of edits) {
    out += code.slice(from, edit.start) + edit.text;
    from = edit.end;
  }
  return { code: out + code.slice(from), rewritten: edits.length, kept };
}

/** esbuild's `__commonJS`, minified: `(e,t)=>()=>{try{return t||e((t={exports:{}}).exports,t),t.exports}…}`. */
function isCommonJsHelper(node: ts.Expression): boolean {
  if (!ts.isArrowFunction(node) || node.parameters.length !== 2 || !ts.isArrowFunction(node.body)) return false;
  const require = node.body;
  return require.parameters.length === 0 && /\{exports:\{\}\}\)\.exports/.test(require.body.getText());
}

/** Whether `this`, `arguments` or `eval` is reached without entering a function of its own. */
function readsOwnFunctionScope(node: ts.Node): boolean {
  if (node.kind === ts.SyntaxKind.ThisKeyword || node.kind === ts.SyntaxKind.SuperKeyword) return true;
  if (ts.isIdentifier(node) && (node.text === 'arguments' || node.text === 'eval')) return true;
  if (ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node)) return false;
  // A class member's body has its own `this`; a computed name is evaluated outside it.
  if (ts.isMethodDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node) || ts.isPropertyDeclaration(node)) {
    return ts.isComputedPropertyName(node.name) && readsOwnFunctionScope(node.name);
  }
  if (ts.isConstructorDeclaration(node) || ts.isClassStaticBlockDeclaration(node)) return false;
  return ts.forEachChild(node, readsOwnFunctionScope) === true;
}
