// The worker's side of the proof panel: train's certificates of one width, streamed to the page
// as they grow (onStep's certificatesSoFar), only what is new since the last batch crossing over.
import type { StepInfo, TrainCertificates } from '../../src/index';
import { CERTIFICATE_SERIES, GRAM_CERTIFICATE_SERIES, type CertificateBatch } from './protocol';

/** A live batch at most this often: certificatesSoFar() copies every array recorded so far. */
const CERTIFICATE_MILLISECONDS = 200;

/** Posts one width's certificates in batches of what is new. */
export class CertificateStreamer {
  private sentSteps = 0;
  private sentGram = 0;
  private lastPost = -Infinity;

  constructor(private readonly id: number, private readonly widthIndex: number,
              private readonly send: (batch: CertificateBatch, transfer: Transferable[]) => void) {}

  /** From onStep at state k: the transitions 0..k−1 recorded so far, if it is time for a batch. */
  live(info: StepInfo): void {
    if (performance.now() - this.lastPost < CERTIFICATE_MILLISECONDS) return;
    const certificates = info.certificatesSoFar?.();
    if (certificates) this.post(certificates, false);
  }

  /** The run's own result.certificates: the rest, and the final summary. */
  post(c: TrainCertificates, final: boolean): void {
    this.lastPost = performance.now();
    const steps = c.contraction.length;
    const series: CertificateBatch['series'] = {};
    const transfer: Transferable[] = [];
    for (const name of CERTIFICATE_SERIES) {
      const values = c[name];
      if (values === undefined) continue;
      const slice = values.slice(this.sentSteps, steps);
      series[name] = slice;
      transfer.push(slice.buffer);
    }
    const gram: CertificateBatch['gram'] = {};
    const gramLength = c.gram?.step.length ?? 0;
    if (c.gram) for (const name of GRAM_CERTIFICATE_SERIES) gram[name] = c.gram[name].slice(this.sentGram, gramLength);
    this.send({
      type: 'certificates', id: this.id, widthIndex: this.widthIndex, fromStep: this.sentSteps, series,
      fromGram: this.sentGram, gram, corollary41Radius: c.corollary41Radius,
      ...(c.lemma32Radius !== undefined ? { lemma32Radius: c.lemma32Radius } : {}),
      ...(c.lemma34 ? { lemma34: c.lemma34 } : {}),
      lambda0: c.lambda0, delta: c.delta, summary: c.summary, final,
    }, transfer);
    this.sentSteps = steps;
    this.sentGram = gramLength;
  }
}
