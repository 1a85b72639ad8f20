// The one list of modality modules the platform runs. The fusion model, the API (modules.list) and the web list
// modules from the registry built from it, so a module added here appears everywhere.
// `node tools/scaffold-module.mjs <name> ...` inserts its import and its entry at the two marker comments below:
// keep them.
import type { ModalityModule } from '@oncoboard/fusion-model';
import { clinicalModule } from '@oncoboard/fusion-model';
import { imagingModule } from '@oncoboard/imaging';
import { genomicsModule } from '@oncoboard/genomics';
import { pathologyModule } from '@oncoboard/pathology';
// scaffold-module: imports (new module imports are inserted above this line)

export const REGISTERED_MODULES: readonly ModalityModule<any>[] = [
  clinicalModule,
  imagingModule,
  genomicsModule,
  pathologyModule,
  // scaffold-module: modules (new modules are inserted above this line)
];
