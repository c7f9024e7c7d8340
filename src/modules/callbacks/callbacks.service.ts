import { ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import type { Principal } from '../../common/auth/principal';
import { CallbackDeliveryEntity } from './callback-delivery.entity';
import { CallbackQueue } from './callback-queue';
import { CallbacksRepository, DeliveryListFilter } from './callbacks.repository';

/** The callbacks API: list deliveries, read one, redeliver. */
@Injectable()
export class CallbacksService {
  private readonly logger = new Logger(CallbacksService.name);

  constructor(
    private readonly repo: CallbacksRepository,
    private readonly queue: CallbackQueue,
  ) {}

  list(filter: DeliveryListFilter): Promise<CallbackDeliveryEntity[]> {
    return this.repo.list(filter);
  }

  /** A delivery as the caller may see it: another tenant's is "not found", like a missing one. */
  async get(id: string, caller: Principal): Promise<CallbackDeliveryEntity> {
    const d = await this.repo.findById(id);
    if (!d || (caller.tenant !== null && d.tenantId !== caller.tenant))
      throw new NotFoundException({ detail: `No callback delivery with id "${id}"` });
    return d;
  }

  /**
   * Sends a delivery again — same webhook-id and body, fresh timestamp and signature — with a
   * new round of the retry schedule. A URL disabled by a 410 is re-enabled only when forced.
   */
  async redeliver(id: string, caller: Principal, force: boolean): Promise<CallbackDeliveryEntity> {
    const d = await this.get(id, caller);
    if (d.status === 'pending') {
      throw new ConflictException({
        detail: 'This delivery is waiting for its first attempt already',
        status_now: d.status,
      });
    }
    if (await this.repo.isEndpointDisabled(d.url)) {
      if (!force) {
        throw new ConflictException({
          detail:
            'Its URL answered 410 Gone and is disabled: nothing is sent to it. Add ?force=true to re-enable the URL and send',
          url: d.url,
        });
      }
      await this.repo.enableEndpoint(d.url);
      this.logger.log(`callback URL re-enabled by a forced redelivery of ${id}`);
    }
    const reopened = await this.repo.reopen(id);
    if (!reopened) {
      throw new ConflictException({
        detail: 'The delivery changed state meanwhile; read it again',
      });
    }
    await this.queue
      .sendNow(id)
      .catch((err: Error) =>
        this.logger.warn(
          `redelivery of ${id} stored but not queued (${err.message}); the sweep will`,
        ),
      );
    return reopened;
  }
}
