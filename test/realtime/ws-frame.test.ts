// The subscription writer frames its messages itself (src/core/graphql-ws.ts, textFrame): the bytes
// must be exactly what ws would have written for the same text message, at every length boundary.
import { describe, expect, it } from 'vitest';
import * as ws from 'ws';
import { textFrame } from '../../src/core/graphql-ws.js';

// ws's own framing and parsing (exported by ws, not declared by @types/ws).
type Listener = (...args: never[]) => void;
const { Receiver, Sender } = ws as unknown as {
  Sender: { frame(data: Buffer, options: object): Buffer[] };
  Receiver: new (options: object) => { on(event: string, listener: Listener): void; write(chunk: Buffer): void };
};

const wsFrame = (message: Buffer) => Buffer.concat(Sender.frame(message, { fin: true, opcode: 1, mask: false, rsv1: false, readOnly: false }));

describe('textFrame', () => {
  const prefix = Buffer.from('{"id":"a1","type":"next","payload":');
  // Message lengths (prefix + payload + "}") around the 7-bit, 16-bit and 64-bit length encodings.
  for (const length of [prefix.length + 12, 125, 126, 127, 65_535, 65_536, 70_000]) {
    it(`matches ws for a ${length}-byte message`, async () => {
      const payload = Buffer.from(`{"data":"${'x'.repeat(length - prefix.length - 1 - 11)}"}`);
      const message = Buffer.concat([prefix, payload, Buffer.from('}')]);
      expect(message.length).toBe(length);
      const frame = textFrame(prefix, payload);
      expect(frame.equals(wsFrame(message))).toBe(true);
      // And a ws receiver reads it back as one text message with the same content.
      const received = await new Promise<{ data: Buffer; binary: boolean }>((resolve, reject) => {
        const receiver = new Receiver({ isServer: false, maxPayload: 1 << 20 });
        receiver.on('message', (data: Buffer, binary: boolean) => resolve({ data, binary }));
        receiver.on('error', reject);
        receiver.write(frame);
      });
      expect(received.binary).toBe(false);
      expect(received.data.toString()).toBe(message.toString());
      expect(JSON.parse(received.data.toString()).payload.data).toHaveLength(length - prefix.length - 1 - 11);
    });
  }
});
