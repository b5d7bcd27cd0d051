// The OVF descriptor of an OVA (DMTF DSP0243): which files are disks (DiskSection/Disk →
// References/File) and what OS the appliance says it holds (OperatingSystemSection: a CIM OS
// id, a Description, VMware's vmw:osType). Read with patterns, not an XML library: we need
// three elements, and a descriptor that hides them gets no hint, never a wrong import.
import type { Platform } from '../jdcloud-rules/index.js';
import { unsafeMemberName } from './member-name.js';

export interface OvfDescriptor {
  /** The hrefs of the files the descriptor's disks refer to, in order. */
  diskFiles: string[];
  /** The OS the appliance declares, as read (for messages and `plan`). */
  operatingSystem?: { id?: string; description?: string; osType?: string };
  /** The platform it maps to, when it maps to one of JD's. */
  platform?: Platform;
}

function attribute(attributes: string, name: string): string | undefined {
  const match = new RegExp(`(?:^|\\s)(?:[\\w.-]+:)?${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(attributes);
  const value = match?.[1] ?? match?.[2];
  return value === undefined ? undefined : decodeXmlText(value);
}

function decodeXmlText(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&amp;/g, '&');
}

function elements(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<(?:[\\w.-]+:)?${name}\\b([^>]*)>`, 'g'))].map((match) => match[1] ?? '');
}

/** CIM_OperatingSystem.OSType values that name one of JD's platforms (DSP0243 uses them). */
const platformByCimId: Record<string, Platform> = {
  '36': 'Other Linux',
  '79': 'Other Linux',
  '80': 'Other Linux',
  '93': 'Ubuntu',
  '94': 'Ubuntu',
  '101': 'Other Linux',
  '102': 'Other Linux',
  '106': 'CentOS',
  '107': 'CentOS',
};

/** From the Description and vmw:osType words first (they are specific), then the CIM id. */
export function platformFromOvfOs(os: { id?: string; description?: string; osType?: string }): Platform | undefined {
  const words = `${os.description ?? ''} ${os.osType ?? ''}`.toLowerCase();
  if (words.includes('ubuntu')) return 'Ubuntu';
  if (words.includes('centos')) return 'CentOS';
  if (words.includes('rocky')) return 'Rocky Linux';
  if (words.includes('openeuler')) return 'OpenEuler';
  if (words.includes('windows')) return /server|srv|20(03|08|12|16|19|22|25)/.test(words) ? 'Windows Server' : 'Other Windows';
  if (/linux|rhel|red ?hat|debian|suse|sles|fedora|oracle|alma|photon|coreos/.test(words)) return 'Other Linux';
  return os.id === undefined ? undefined : platformByCimId[os.id];
}

/** Every File's href in References, in order (disks or not). */
export function ovfFileHrefs(xml: string): string[] {
  return elements(xml, 'File').flatMap((file) => attribute(file, 'href') ?? []);
}

/**
 * Why an href cannot name a member of the OVA, or undefined. In an OVA every file is in the tar
 * and the href is its name relative to the descriptor (DSP0243 §5.3): a URL, an absolute path or
 * `..` (also percent-encoded) points elsewhere, as in an archive made to trick an extractor.
 */
export function unsafeOvfHref(href: string): string | undefined {
  const unsafe = unsafeMemberName(href);
  if (unsafe !== undefined) return unsafe;
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(href)) return 'it is a URL, not a file in the OVA';
  let decoded = href;
  try {
    decoded = decodeURIComponent(href);
  } catch {
    return 'it has a broken percent-encoding';
  }
  return decoded === href ? undefined : unsafeMemberName(decoded);
}

/** Reads an OVF descriptor's text. Never throws: what it cannot find, it leaves out. */
export function readOvfDescriptor(xml: string): OvfDescriptor {
  const files = new Map<string, string>();
  for (const file of elements(xml, 'File')) {
    const id = attribute(file, 'id');
    const href = attribute(file, 'href');
    if (id !== undefined && href !== undefined) files.set(id, href);
  }
  const diskFiles = elements(xml, 'Disk')
    .map((disk) => attribute(disk, 'fileRef'))
    .flatMap((ref) => (ref === undefined ? [] : [files.get(ref) ?? ref]));
  const section = /<(?:[\w.-]+:)?OperatingSystemSection\b([^>]*)>([\s\S]*?)<\/(?:[\w.-]+:)?OperatingSystemSection>/.exec(xml);
  if (section === null) return { diskFiles };
  const attributes = section[1] ?? '';
  const description = /<(?:[\w.-]+:)?Description\b[^>]*>([\s\S]*?)<\/(?:[\w.-]+:)?Description>/.exec(section[2] ?? '')?.[1];
  const id = attribute(attributes, 'id');
  const osType = attribute(attributes, 'osType');
  const operatingSystem = {
    ...(id !== undefined ? { id } : {}),
    ...(description !== undefined ? { description: decodeXmlText(description.trim()) } : {}),
    ...(osType !== undefined ? { osType } : {}),
  };
  const platform = platformFromOvfOs(operatingSystem);
  return { diskFiles, operatingSystem, ...(platform !== undefined ? { platform } : {}) };
}
