/**
 * State names as small integer codes. Why: a courier's state string can be forty characters and a
 * busy minute changes hundreds of them; on the wire each change is two Uint32s and each distinct
 * name travels once. Codes only grow, so a viewer that joined late receives the whole dictionary
 * and every later message appends to it.
 */
export class StateDictionary {
  private readonly codes = new Map<string, number>();
  private readonly list: string[] = [];
  private announced = 0;

  code(name: string): number {
    let code = this.codes.get(name);
    if (code === undefined) {
      code = this.list.length;
      this.codes.set(name, code);
      this.list.push(name);
    }
    return code;
  }

  name(code: number): string | undefined {
    return this.list[code];
  }

  get size(): number {
    return this.list.length;
  }

  /** Names added since the last call, for the next broadcast. */
  takeNew(): { firstCode: number; names: string[] } {
    const firstCode = this.announced;
    this.announced = this.list.length;
    return { firstCode, names: this.list.slice(firstCode) };
  }

  /** The whole dictionary, for a viewer that just connected. */
  all(): string[] {
    return [...this.list];
  }
}
