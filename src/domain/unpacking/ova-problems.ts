// Why an OVA (a tar whose first member is the .ovf descriptor, DSP0243 §5.3) is not unpacked.
import type { Problem } from '../../kernel/index.js';
import type { OvfDescriptor } from './ovf-descriptor.js';

export function ovaWithoutDescriptorProblem(key: string, firstMember: string): Problem {
  return {
    code: 'ova-without-descriptor',
    field: 'content',
    value: firstMember,
    message: `The OVA ${JSON.stringify(key)} starts with ${JSON.stringify(firstMember)}, not its .ovf descriptor (an OVA's first member, DSP0243 §5.3). Re-export the appliance as OVA, or upload its disk image.`,
  };
}

/** An href that names no member of the OVA (a URL, `..`, an absolute path): refused like an unsafe member. */
export function ovfUnsafeHrefProblem(key: string, href: string, reason: string): Problem {
  return {
    code: 'archive-unsafe-member',
    field: 'content',
    value: href,
    message: `The OVA ${JSON.stringify(key)} has a descriptor that refers to the file ${JSON.stringify(href)}: ${reason}. An OVA's descriptor names files inside the OVA only; such OVAs are not unpacked. Re-export the appliance as OVA, or upload its disk image.`,
  };
}

/** JD imports one disk, the system disk: an appliance with more (or none) is refused, naming them. */
export function ovfDiskCountProblem(key: string, ovf: OvfDescriptor): Problem | undefined {
  if (ovf.diskFiles.length === 1) return undefined;
  if (ovf.diskFiles.length === 0) {
    return { code: 'ova-no-disk', field: 'content', value: key, message: `The OVA ${JSON.stringify(key)} describes no disk in its .ovf descriptor. Export the appliance with its disk, or upload the disk image.` };
  }
  const named = ovf.diskFiles.map((file) => JSON.stringify(file)).join(', ');
  return {
    code: 'ova-several-disks',
    field: 'content',
    value: ovf.diskFiles.join(','),
    message: `The OVA ${JSON.stringify(key)} has ${ovf.diskFiles.length} disks (${named}); JD Cloud imports only the system disk. Upload the system disk on its own (extract it: tar -xf <file> ${JSON.stringify(ovf.diskFiles[0])}), and attach the others as data disks after the import.`,
  };
}

export function ovaDiskMismatchProblem(key: string, member: string, href: string): Problem {
  return { code: 'ova-disk-mismatch', field: 'content', value: member, message: `The OVA ${JSON.stringify(key)} holds the disk ${JSON.stringify(member)}, but its descriptor names ${JSON.stringify(href)}. Re-export the appliance.` };
}
