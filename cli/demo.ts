// Replaced by the demo helper: placeholder so the CLI typechecks meanwhile.
export async function runDemoCommand(_argv: string[]): Promise<number> {
  console.error("prodtrail: 'demo' is being built");
  return 2;
}
