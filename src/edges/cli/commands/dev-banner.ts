import { localOssCredentials, type WebhookReceiver } from '../../local/index.js';

/**
 * What `npm start` prints once the stack is up: where each part listens, and every command to
 * use it from another terminal (aws CLI, this CLI, `serverless invoke local`, `serve`), ready to paste.
 */
export function devBanner(stack: { ossEndpoint: string; vmEndpoint: string; bucket: string; region: string }, receiver?: Pick<WebhookReceiver, 'url'>): string {
  const { accessKeyId, secretAccessKey } = localOssCredentials;
  const aws = `aws --endpoint-url ${stack.ossEndpoint}`;
  return [
    'oss-image-import local stack is up.',
    `  local OSS (S3 API, s3rver):  ${stack.ossEndpoint}   bucket "${stack.bucket}", keys ${accessKeyId} / ${secretAccessKey}`,
    `  VM API emulator (JDCLOUD2):  ${stack.vmEndpoint}   region ${stack.region}`,
    ...(receiver !== undefined ? [`  notification receiver:      ${receiver.url}/notifications   signed with a fresh IMAGE_NOTIFY_SECRET`] : []),
    '',
    'Upload with the aws CLI from another terminal (checksums only when required: s3rver stores aws-chunked bodies as they come):',
    `  export AWS_ACCESS_KEY_ID=${accessKeyId} AWS_SECRET_ACCESS_KEY=${secretAccessKey} AWS_DEFAULT_REGION=${stack.region} AWS_REQUEST_CHECKSUM_CALCULATION=when_required AWS_RESPONSE_CHECKSUM_VALIDATION=when_required`,
    '  qemu-img create -f qcow2 my.qcow2 10G',
    `  ${aws} s3 cp my.qcow2 s3://${stack.bucket}/my.qcow2 --metadata platform=Ubuntu,os-version=22.04`,
    `  ${aws} s3api put-object --bucket ${stack.bucket} --key tagged.qcow2 --body my.qcow2 --tagging 'platform=CentOS&architecture=x86_64'`,
    `  ${aws} s3 ls s3://${stack.bucket}/.image-import/          # the status records`,
    '',
    'Point this CLI and the function at it:',
    `  export JDCLOUD_ACCESS_KEY_ID=${accessKeyId} JDCLOUD_SECRET_ACCESS_KEY=${secretAccessKey} OSS_ENDPOINT=${stack.ossEndpoint} JDCLOUD_VM_ENDPOINT=${stack.vmEndpoint} IMAGE_BUCKET=${stack.bucket}`,
    `  npx oss-image-import plan s3://${stack.bucket}/my.qcow2`,
    `  npx oss-image-import status s3://${stack.bucket}/`,
    '  npx oss-image-import tasks',
    `  npx serverless invoke local -f importImage -p samples/events/jdcloud-fc-oss-trigger.json     # the demo upload, as fc delivers it`,
    `  NOTIFY_TOKEN=local-notify-token-0123 npx oss-image-import serve --port 8080                 # then POST samples/events/serve-notification.json`,
    '',
  ].join('\n');
}

