export { writeMinimalPdf } from './minimal-pdf';
