export * from './genomics-module.js';
export { GENOMICS_PATHWAYS, type PathwayGeneSet } from './pathways.js';
export { MODULE_PANEL_PATH, buildModulePanel, loadModulePanel, type ModulePanel, type PanelGene } from './panel.js';
