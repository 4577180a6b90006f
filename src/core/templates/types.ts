// What a template engine finds in a body: the variables it reads and the partials it includes.

import type { Range } from '../diagnostics';

/** A top-level variable read by the body ({{name}}, {{name.field}} -> name). */
export interface VariableUse {
  name: string;
  range: Range;
}

/** A partial the body includes ({{> name}}). */
export interface PartialUse {
  name: string;
  range: Range;
}
