// A 2-D canvas on which the user places labelled points: click adds a point with the chosen
// label, Shift-click the opposite one. Keyboard: arrows move a cursor, Enter adds a point there
// (Shift+Enter the opposite label), Backspace/Delete removes the last point.
import { roundCoordinate, type LabelledPoint } from './params';

const POSITIVE = '#0072B2';
const NEGATIVE = '#C2410C';
const CURSOR_STEP = 0.05;

/** The editor's state and drawing; `onChange` fires after every edit. */
export class PointsEditor {
  private points: LabelledPoint[] = [];
  private cursor = { x: 0, y: 0, visible: false };

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly labelOf: () => 1 | -1,
    private readonly onChange: (points: LabelledPoint[]) => void,
  ) {
    canvas.addEventListener('click', (event) => {
      // offsetX/Y are measured from the padding edge, and clientWidth/Height exclude the border,
      // so the centre of the drawing area is exactly (0, 0).
      const x = (event.offsetX / canvas.clientWidth) * 2 - 1;
      const y = 1 - (event.offsetY / canvas.clientHeight) * 2;
      this.add(x, y, event.shiftKey);
    });
    canvas.addEventListener('keydown', (event) => this.onKey(event));
    canvas.addEventListener('focus', () => { this.cursor.visible = true; this.draw(); });
    canvas.addEventListener('blur', () => { this.cursor.visible = false; this.draw(); });
    this.draw();
  }

  private onKey(event: KeyboardEvent): void {
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1],
    };
    const move = moves[event.key];
    if (move) {
      this.cursor.x = Math.max(-1, Math.min(1, this.cursor.x + move[0] * CURSOR_STEP));
      this.cursor.y = Math.max(-1, Math.min(1, this.cursor.y + move[1] * CURSOR_STEP));
      this.draw();
    } else if (event.key === 'Enter' || event.key === ' ') {
      this.add(this.cursor.x, this.cursor.y, event.shiftKey);
    } else if (event.key === 'Backspace' || event.key === 'Delete') {
      this.undo();
    } else {
      return;
    }
    event.preventDefault();
  }

  private add(x: number, y: number, flip: boolean): void {
    const label = flip ? (-this.labelOf() as 1 | -1) : this.labelOf();
    this.points.push({ x: roundCoordinate(Math.max(-1, Math.min(1, x))), y: roundCoordinate(Math.max(-1, Math.min(1, y))), label });
    this.changed();
  }

  private changed(): void {
    this.draw();
    this.onChange(this.get());
  }

  /** Removes the most recent point. */
  undo(): void {
    if (this.points.pop()) this.changed();
  }

  /** Removes every point. */
  clear(): void {
    this.points = [];
    this.changed();
  }

  /** Replaces the points (from the URL, or an example) without firing onChange. */
  set(points: LabelledPoint[]): void {
    this.points = points.map((p) => ({ ...p }));
    this.draw();
  }

  /** A copy of the current points. */
  get(): LabelledPoint[] {
    return this.points.map((p) => ({ ...p }));
  }

  /** Adds `count` random points labelled by the sign of x·y (an XOR pattern no linear model fits). */
  addRandom(count: number): void {
    for (let i = 0; i < count; i++) {
      const x = roundCoordinate(Math.random() * 1.8 - 0.9);
      const y = roundCoordinate(Math.random() * 1.8 - 0.9);
      this.points.push({ x, y, label: x * y >= 0 ? 1 : -1 });
    }
    this.changed();
  }

  private toPixels(x: number, y: number): [number, number] {
    return [((x + 1) / 2) * this.canvas.width, ((1 - y) / 2) * this.canvas.height];
  }

  /** Redraws axes, points (+1: filled circles, −1: squares) and the keyboard cursor. */
  draw(): void {
    const context = this.canvas.getContext('2d');
    if (!context) return;
    const { width, height } = this.canvas;
    context.clearRect(0, 0, width, height);
    context.fillStyle = '#fff';
    context.fillRect(0, 0, width, height);
    context.strokeStyle = '#999';
    context.lineWidth = 1;
    context.beginPath();
    context.moveTo(width / 2, 0); context.lineTo(width / 2, height);
    context.moveTo(0, height / 2); context.lineTo(width, height / 2);
    context.stroke();
    for (const p of this.points) {
      const [px, py] = this.toPixels(p.x, p.y);
      context.fillStyle = p.label > 0 ? POSITIVE : NEGATIVE;
      if (p.label > 0) {
        context.beginPath();
        context.arc(px, py, 5, 0, 2 * Math.PI);
        context.fill();
      } else {
        context.fillRect(px - 5, py - 5, 10, 10);
      }
    }
    if (this.cursor.visible) {
      const [cx, cy] = this.toPixels(this.cursor.x, this.cursor.y);
      context.strokeStyle = '#000';
      context.lineWidth = 2;
      context.beginPath();
      context.moveTo(cx - 9, cy); context.lineTo(cx + 9, cy);
      context.moveTo(cx, cy - 9); context.lineTo(cx, cy + 9);
      context.stroke();
    }
  }
}
