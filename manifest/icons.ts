/**
 * Draws the Teams app icons and writes them next to this file (`npx tsx manifest/icons.ts`):
 *   color.png   192×192, full colour: three white switches on Teams purple
 *   outline.png  32×32, white on a transparent background, as Teams requires for the app bar
 * Shapes are signed-distance functions sampled 4×4 per pixel for smooth edges.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodePng } from './png.js';

type Rgb = [number, number, number];
/** Negative inside the shape, positive outside (in pixels). */
type Shape = (x: number, y: number) => number;

const BRAND: Rgb = [0x5b, 0x5f, 0xc7];
const WHITE: Rgb = [0xff, 0xff, 0xff];
const SAMPLES = 4;

/** A horizontal pill from (x1, y) to (x2, y) with round ends of radius r. */
function pill(x1: number, x2: number, y: number, r: number): Shape {
  return (px, py) => Math.hypot(px - Math.min(Math.max(px, x1), x2), py - y) - r;
}

function circle(cx: number, cy: number, r: number): Shape {
  return (px, py) => Math.hypot(px - cx, py - cy) - r;
}

/** The band of width `stroke` along a shape's edge, inside it. */
function ring(shape: Shape, stroke: number): Shape {
  return (px, py) => {
    const d = shape(px, py);
    return Math.max(d, -d - stroke);
  };
}

class Canvas {
  readonly rgba: Uint8Array;

  constructor(
    readonly size: number,
    background?: Rgb,
  ) {
    this.rgba = new Uint8Array(size * size * 4);
    if (background) this.paint(() => -1, background);
  }

  /** Blends `color` over every pixel by the share of its samples inside `shape`. */
  paint(shape: Shape, color: Rgb): this {
    for (let y = 0; y < this.size; y++) {
      for (let x = 0; x < this.size; x++) {
        let inside = 0;
        for (let sy = 0; sy < SAMPLES; sy++)
          for (let sx = 0; sx < SAMPLES; sx++) if (shape(x + (sx + 0.5) / SAMPLES, y + (sy + 0.5) / SAMPLES) <= 0) inside++;
        const coverage = inside / (SAMPLES * SAMPLES);
        if (coverage > 0) this.blend((y * this.size + x) * 4, color, coverage);
      }
    }
    return this;
  }

  png(): Buffer {
    return encodePng(this.size, this.size, this.rgba);
  }

  private blend(i: number, color: Rgb, alpha: number): void {
    const below = this.rgba[i + 3] / 255;
    const out = alpha + below * (1 - alpha);
    for (let c = 0; c < 3; c++) this.rgba[i + c] = Math.round((color[c] * alpha + this.rgba[i + c] * below * (1 - alpha)) / out);
    this.rgba[i + 3] = Math.round(out * 255);
  }
}

export function colorIcon(): Buffer {
  const canvas = new Canvas(192, BRAND);
  // Three switches, flipped right, left, right: the board of switches the name speaks of.
  [52, 96, 140].forEach((y, i) => {
    canvas.paint(pill(62, 130, y, 18), WHITE);
    canvas.paint(circle(i % 2 === 0 ? 130 : 62, y, 12), BRAND);
  });
  return canvas.png();
}

export function outlineIcon(): Buffer {
  const canvas = new Canvas(32);
  [10, 22].forEach((y, i) => {
    canvas.paint(ring(pill(9, 23, y, 5), 1.5), WHITE);
    canvas.paint(circle(i === 0 ? 23 : 9, y, 3), WHITE);
  });
  return canvas.png();
}

export const ICON_FILES = { color: 'color.png', outline: 'outline.png' } as const;

async function main(): Promise<void> {
  const folder = path.dirname(fileURLToPath(import.meta.url));
  await writeFile(path.join(folder, ICON_FILES.color), colorIcon());
  await writeFile(path.join(folder, ICON_FILES.outline), outlineIcon());
  process.stdout.write(`wrote ${ICON_FILES.color} (192×192) and ${ICON_FILES.outline} (32×32) in ${folder}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
