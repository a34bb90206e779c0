import type { AppLogger } from '../ports/app-logger.ts';
import type { Clock } from '../ports/clock.ts';
import type { DocumentStore } from '../ports/document-store.ts';

/** Everything a use case may touch, built once in `shared/composition`. */
export interface Deps {
  documents: DocumentStore;
  clock: Clock;
  logger: AppLogger;
}
