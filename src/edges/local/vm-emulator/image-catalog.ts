import { newImageId, type ImageRegistry, type StoredTask } from './image-registry.js';
import { formatTaskTime } from './task-clock.js';

/** What describeImage reports of an image (Go `vm/models/Image.go`), minus the fields the emulator has no use for. */
export interface ImageModel {
  imageId: string;
  name: string;
  platform: string;
  osVersion: string;
  architecture: string;
  osType: string;
  systemDiskSizeGB: number;
  imageSource: 'private';
  status: 'pending' | 'ready' | 'error';
  createTime: string;
  sizeMB: number;
  desc: string;
  rootDeviceType: 'cloudDisk';
  /** Percent digits, a string in the Go model. */
  progress: string;
  imported: boolean;
}

/** An image as the emulator holds it: the API model plus where it is, whose it is and what was done with it. */
export interface EmulatedImage extends ImageModel {
  region: string;
  /** The access key that owns it; undefined for a seeded image, which every key owns. */
  owner: string | undefined;
  /** Set on a copy: the image and region it was copied from. */
  copiedFrom?: { imageId: string; region: string };
  /** The account pins shareImage shared it with, in the order first shared. */
  sharedWith: string[];
}

interface StoredCopy {
  imageId: string;
  region: string;
  owner: string | undefined;
  source: EmulatedImage;
  createdAtMs: number;
}

/**
 * Every image the emulator knows in every region: the imported ones (their import task says
 * how far they are) and the copies copyImages made, which go pending → ready on the same clock
 * as an import. Remembers the pins each image was shared with.
 */
export class ImageCatalog {
  readonly #registry: ImageRegistry;
  readonly #copies = new Map<string, StoredCopy>();
  readonly #pins = new Map<string, string[]>();

  constructor(registry: ImageRegistry) {
    this.#registry = registry;
  }

  /** The image with this id in this region (an id of another region is not found, as in JD). */
  find(region: string, imageId: string, nowMs: number): EmulatedImage | undefined {
    const imported = this.#registry.image(region, imageId);
    if (imported !== undefined) return this.#importedView(imported, nowMs);
    const copy = this.#copies.get(imageId);
    return copy?.region === region ? this.#copyView(copy, nowMs) : undefined;
  }

  /** Every image, or those of one region: imports first, then copies, each oldest first. */
  list(region: string | undefined, nowMs: number): EmulatedImage[] {
    const imported = this.#registry.allTasks().map((task) => this.#importedView(task, nowMs));
    const copies = [...this.#copies.values()].map((copy) => this.#copyView(copy, nowMs));
    return [...imported, ...copies].filter((image) => region === undefined || image.region === region);
  }

  /** Starts a copy of a (ready) image into another region; the copy belongs to `owner`. */
  copy(source: EmulatedImage, destinationRegion: string, owner: string, nowMs: number): string {
    const imageId = newImageId();
    this.#copies.set(imageId, { imageId, region: destinationRegion, owner, source, createdAtMs: nowMs });
    return imageId;
  }

  /** Adds pins to the image's share list (a pin already there is not added twice). */
  share(imageId: string, pins: readonly string[]): void {
    const shared = this.#pins.get(imageId) ?? [];
    for (const pin of pins) if (!shared.includes(pin)) shared.push(pin);
    this.#pins.set(imageId, shared);
  }

  #importedView(task: StoredTask, nowMs: number): EmulatedImage {
    const info = this.#registry.taskInfo(task, nowMs);
    const request = task.request;
    return {
      imageId: task.imageId,
      name: request.imageName,
      platform: request.platform,
      osVersion: request.osVersion ?? '',
      architecture: request.architecture,
      osType: request.osType,
      systemDiskSizeGB: request.systemDiskSizeGB,
      imageSource: 'private',
      status: this.#registry.imageStatus(task, nowMs),
      createTime: info.createdTime,
      sizeMB: 0,
      desc: request.description ?? '',
      rootDeviceType: 'cloudDisk',
      progress: String(info.progress),
      imported: true,
      region: task.region,
      owner: task.owner,
      sharedWith: [...(this.#pins.get(task.imageId) ?? [])],
    };
  }

  #copyView(copy: StoredCopy, nowMs: number): EmulatedImage {
    const progress = this.#registry.progressAt(copy.createdAtMs, nowMs);
    const { region: sourceRegion, imageId: sourceImageId } = copy.source;
    return {
      ...copy.source,
      imageId: copy.imageId,
      status: progress === 100 ? 'ready' : 'pending',
      createTime: formatTaskTime(copy.createdAtMs),
      progress: String(progress),
      imported: false,
      region: copy.region,
      owner: copy.owner,
      copiedFrom: { imageId: sourceImageId, region: sourceRegion },
      sharedWith: [...(this.#pins.get(copy.imageId) ?? [])],
    };
  }
}
