export interface Folder {
  name: string;
  path?: boolean;
  holds: string;
}
export interface Part {
  name: string;
  says: string;
  folders: Folder[];
  may: string[];
}
export const parts: Part[];
export const reasons: Record<string, string>;
export function partOf(folder: string): Part | undefined;
export function forbidden(from: string, to: string): string | null;
