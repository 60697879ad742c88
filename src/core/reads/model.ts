// What the read path knows about the data model: tables, scalar columns and how relations join.
// Built once from the datamodel Prisma's generator already emits (the same one Pothos reads).
import { getDatamodel } from '../../generated/pothos-types.js';

export interface ScalarField {
  name: string;
  type: string;
  kind: 'scalar' | 'enum';
  isList: boolean;
  isRequired: boolean;
}

/**
 * A relation seen from one side. `localKey` is the column on this model, `remoteKey` the column on the
 * target it equals: a forward to-one (Order.fan) joins Order.fanId = Fan.id; a back-reference
 * (Fan.orders) joins Fan.id = Order.fanId.
 */
export interface Relation {
  name: string;
  target: string;
  isList: boolean;
  localKey: string;
  remoteKey: string;
}

export interface ModelInfo {
  name: string;
  /** The single-column primary key, when there is one (all joins here reference it). */
  id: string | null;
  scalars: Map<string, ScalarField>;
  relations: Map<string, Relation>;
  /** Compound unique keys as Prisma names them in `where` (`fanId_tagId`) → their columns. */
  compoundKeys: Map<string, string[]>;
}

export type DataModel = Map<string, ModelInfo>;

export function loadDataModel(): DataModel {
  const { models } = getDatamodel().datamodel;
  const idOf = (name: string) => models[name]?.fields.find((f) => f.isId)?.name ?? null;
  const result: DataModel = new Map();
  for (const [name, model] of Object.entries(models)) {
    const scalars = new Map<string, ScalarField>();
    const relations = new Map<string, Relation>();
    for (const f of model.fields) {
      if (f.kind === 'scalar' || f.kind === 'enum') {
        scalars.set(f.name, { name: f.name, type: f.type, kind: f.kind, isList: f.isList, isRequired: f.isRequired });
        continue;
      }
      if (f.kind !== 'object') continue;
      const from = f.relationFromFields ?? [];
      if (from.length === 1) {
        const remote = idOf(f.type);
        if (!remote) throw new Error(`read path: ${name}.${f.name} references ${f.type}, which has no single-column id`);
        relations.set(f.name, { name: f.name, target: f.type, isList: false, localKey: from[0], remoteKey: remote });
        continue;
      }
      // The other side holds the foreign key: find its field of the same relation.
      const back = models[f.type]?.fields.find(
        (g) => g.relationName === f.relationName && (g.relationFromFields?.length ?? 0) === 1 && !(f.type === name && g.name === f.name),
      );
      const local = idOf(name);
      if (!back || !local) continue; // a shape this read path does not plan; Prisma serves it
      relations.set(f.name, { name: f.name, target: f.type, isList: f.isList, localKey: local, remoteKey: back.relationFromFields![0] });
    }
    const compoundKeys = new Map<string, string[]>();
    for (const key of [...model.uniqueIndexes, ...(model.primaryKey ? [model.primaryKey] : [])]) {
      if (key.fields.length > 1) compoundKeys.set(key.name ?? key.fields.join('_'), [...key.fields]);
    }
    result.set(name, { name, id: idOf(name), scalars, relations, compoundKeys });
  }
  return result;
}

/** `fan` → `Fan`, `likeCampaign` → `LikeCampaign`: how Prisma names a model's delegate. */
export function delegateNames(models: DataModel): Map<string, string> {
  return new Map([...models.keys()].map((m) => [m.charAt(0).toLowerCase() + m.slice(1), m]));
}
