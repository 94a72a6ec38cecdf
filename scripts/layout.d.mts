export const BEGIN: string;
export const END: string;
export function layoutSection(): string;
export function withLayout(readme: string): string;
