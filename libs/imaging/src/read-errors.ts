// Shared error type for the image readers (NIfTI, DICOM), so callers can catch one class and switch on `code`.
// Messages name the file, the field or byte offset and what was expected, never patient names or IDs.

export type ImageReadErrorCode =
  | 'io'
  | 'not-nifti'
  | 'not-dicom'
  | 'bad-header'
  | 'unsupported'
  | 'truncated'
  | 'geometry'
  | 'no-pixel-data'
  | 'mixed-series'
  | 'series-not-found'
  | 'duplicate-slice'
  | 'missing-slice'
  | 'uneven-spacing'
  | 'inconsistent-orientation'
  | 'inconsistent-series';

export class ImageReadError extends Error {
  override readonly name = 'ImageReadError';
  readonly code: ImageReadErrorCode;
  /** File (or folder / series UID) the error is about, when there is one. */
  readonly file?: string;

  constructor(code: ImageReadErrorCode, message: string, options?: { file?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options?.file !== undefined) this.file = options.file;
  }
}
