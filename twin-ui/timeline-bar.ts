import { SPEED_MAX, SPEED_MIN } from '../sim/twin/wire.ts';
import { dayOf, formatClock, parseClock } from './sim-time.ts';
import type { TwinClient } from './twin-client.ts';
import type { TwinState } from './twin-state.ts';

function el<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`missing #${id} in index.html`);
  return node as T;
}

const PLAY_ICON =
  '<svg width="12" height="12" viewBox="0 0 12 12" fill="currentColor"><polygon points="2,1 11,6 2,11"/></svg>';
const PAUSE_ICON =
  '<svg width="12" height="12" viewBox="0 0 12 12" fill="currentColor"><rect x="2" y="1" width="3" height="10"/><rect x="7" y="1" width="3" height="10"/></svg>';

/** Slider position (0..4) ↔ speed (1×..10 000×), logarithmic so every decade gets the same travel. */
export function speedFromSlider(v: number): number {
  const raw = 10 ** v;
  const nice = raw < 10 ? Math.round(raw) : raw < 100 ? Math.round(raw / 5) * 5 : Math.round(raw / 50) * 50;
  return Math.min(SPEED_MAX, Math.max(SPEED_MIN, nice));
}

export function sliderFromSpeed(speed: number): number {
  return Math.log10(Math.max(SPEED_MIN, speed));
}

/**
 * The timeline: play/pause, speed, seek (slider within the day or typed time), the sim clock and
 * the run status. Controls are enabled only with a token (from `?token=` or the token box); the
 * server is the judge, so a refused action shows the server's reason.
 */
export class TimelineBar {
  private readonly play = el<HTMLButtonElement>('play');
  private readonly speed = el<HTMLInputElement>('speed');
  private readonly speedLabel = el<HTMLSpanElement>('speed-label');
  private readonly seek = el<HTMLInputElement>('seek');
  private readonly seekTime = el<HTMLInputElement>('seek-time');
  private readonly seekGo = el<HTMLButtonElement>('seek-go');
  private readonly note = el<HTMLSpanElement>('control-note');
  private readonly reload = el<HTMLButtonElement>('reload');
  private readonly token = el<HTMLInputElement>('token');
  private readonly clock = el<HTMLDivElement>('sim-clock');
  private readonly status = el<HTMLDivElement>('run-status');
  private dragging = false;
  private speedDragging = false;

  constructor(
    private readonly state: TwinState,
    private readonly client: TwinClient,
    private readonly toast: (message: string) => void,
  ) {
    this.token.value = client.token ?? '';
    this.token.form?.addEventListener('submit', (e) => {
      e.preventDefault();
      this.token.dispatchEvent(new Event('change'));
    });
    this.token.addEventListener('change', () => {
      client.token = this.token.value.trim() || null;
      if (client.token) sessionStorage.setItem('citytwin.token', client.token);
      this.render();
    });
    this.play.addEventListener('click', () => this.togglePlay());
    this.speed.addEventListener('input', () => {
      this.speedDragging = true;
      this.speedLabel.textContent = `${speedFromSlider(Number(this.speed.value))}×`;
    });
    this.speed.addEventListener('change', () => {
      this.speedDragging = false;
      void this.send({ action: 'speed', speed: speedFromSlider(Number(this.speed.value)) });
    });
    this.seek.addEventListener('input', () => {
      this.dragging = true;
    });
    this.seek.addEventListener('change', () => {
      this.dragging = false;
      const at = Number(this.seek.value) * 1000;
      void this.send({
        action: 'seek',
        time: state.hello?.span ? Math.round(at) : dayOf(state.simTime) * 86_400_000 + at,
      });
    });
    const typedSeek = () => {
      const t = parseClock(this.seekTime.value, dayOf(state.simTime));
      if (t === null) this.toast('seek: type a time like 14:30, 14:30:15 or 1+08:00');
      else void this.send({ action: 'seek', time: t });
    };
    this.seekGo.addEventListener('click', typedSeek);
    this.reload.addEventListener('click', () => {
      const answer = window.prompt('Reload the scenario file and restart. Seed (empty: the scenario’s):', '');
      if (answer === null) return;
      const seed = answer.trim() === '' ? undefined : Number(answer);
      if (seed !== undefined && !Number.isInteger(seed)) this.toast('reload: the seed must be an integer');
      else void this.send(seed === undefined ? { action: 'reload' } : { action: 'reload', seed });
    });
    this.seekTime.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') typedSeek();
    });
    window.addEventListener('keydown', (e) => {
      if (e.code === 'Space' && !(e.target instanceof HTMLInputElement)) {
        e.preventDefault();
        this.togglePlay();
      }
    });
  }

  /** Refreshes the clock and controls from the state (called every animation frame; cheap). */
  render(): void {
    const s = this.state;
    const c = s.clock;
    this.clock.textContent = formatClock(s.simTime);
    const canControl = this.client.token !== null;
    for (const node of [this.play, this.speed, this.seek, this.seekTime, this.seekGo])
      node.disabled = !canControl;
    this.note.textContent = canControl ? '' : 'view only — add ?token=… to control';
    if (!c) return;
    this.play.innerHTML = c.paused ? PLAY_ICON : PAUSE_ICON;
    this.play.title = c.paused ? 'Play (space)' : 'Pause (space)';
    this.play.classList.toggle('on', c.paused);
    if (!this.speedDragging) {
      this.speed.value = String(sliderFromSpeed(c.speed));
      this.speedLabel.textContent = `${c.speed}×`;
    }
    this.fitSeekRange();
    if (!this.dragging)
      this.seek.value = String(
        s.hello?.span ? s.simTime / 1000 : Math.floor((s.simTime % 86_400_000) / 1000),
      );
    let status: string;
    this.status.classList.toggle('failed', c.failure !== null);
    if (c.failure) {
      status = c.failure;
    } else if (c.seeking) {
      const done =
        c.seeking.target > 0 ? Math.min(100, Math.floor((c.seeking.at / c.seeking.target) * 100)) : 100;
      status = `re-running to ${formatClock(c.seeking.target)} · ${done} %`;
    } else if (c.paused) {
      status = 'paused';
    } else {
      const behind = c.effectiveSpeed > 0 && c.effectiveSpeed < c.speed * 0.9;
      status = behind ? `${c.effectiveSpeed}× (compute-bound; asked ${c.speed}×)` : `${c.speed}× real time`;
    }
    this.status.textContent = `${status} · ${c.viewers} viewer${c.viewers === 1 ? '' : 's'}`;
  }

  /** A recording's timeline spans the recording (to the millisecond), a live world's the day. */
  private fitSeekRange(): void {
    const span = this.state.hello?.span;
    const [min, max, step, title] = span
      ? [span.start / 1000, Math.max(span.end, span.start + 1) / 1000, 'any', 'Seek within the recording']
      : [0, 86_400, '60', 'Seek within the day'];
    if (this.seek.max === String(max) && this.seek.min === String(min)) return;
    this.seek.min = String(min);
    this.seek.max = String(max);
    this.seek.step = step;
    this.seek.title = title;
  }

  private togglePlay(): void {
    if (!this.client.token || !this.state.clock) return;
    void this.send({ action: this.state.clock.paused ? 'play' : 'pause' });
  }

  /** Refusals come back as `error` events too, which the page shows; nothing more to do here. */
  private async send(action: Parameters<TwinClient['control']>[0]): Promise<void> {
    await this.client.control(action);
  }
}
