// Replaced by the serve helper: placeholder so the CLI typechecks meanwhile.
export async function runServeCommand(_argv: string[]): Promise<number> {
  console.error("prodtrail: 'serve' is being built");
  return 2;
}
