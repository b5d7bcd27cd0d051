// The OpenAPI endpoints JD Cloud serves for every region (docs/reference/jdcloud-api.md §2.1 and
// §3): the base URLs used when JDCLOUD_VM_ENDPOINT or JDCLOUD_FC_ENDPOINT is not set.

/** The VM OpenAPI (importImage, imageTasks, describeImages, copyImages, shareImage). */
export const defaultVmEndpoint = 'https://vm.jdcloud-api.com';

/** The Function Compute OpenAPI (deploy, asynchronous invocations). */
export const defaultFcEndpoint = 'https://fc.jdcloud-api.com';
