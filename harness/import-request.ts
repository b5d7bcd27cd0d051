/** A valid importImage body for the emulator's region (cn-north-1), for client and emulator tests. */
export function ubuntuImportRequest(imageName: string) {
  return {
    architecture: 'x86_64',
    osType: 'linux',
    platform: 'Ubuntu',
    diskFormat: 'qcow2',
    systemDiskSizeGB: 40,
    imageUrl: 'https://images.s3-internal.cn-north-1.jdcloud-oss.com/ubuntu.qcow2',
    imageName,
  };
}
