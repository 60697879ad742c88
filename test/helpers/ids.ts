// Global ids as the API issues them ("Type:id", base64), for tests that create rows directly.
export const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');
