/** Whether typed arrays of this host are little-endian (every host Lambda runs on is). */
export const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
