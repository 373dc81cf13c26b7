// What the network tests put in front of the simulator: a throwaway CA certificate for test host
// names, and the relay that passes a front's connection on to the simulator byte for byte.
import net from 'node:net';
import { generate } from 'selfsigned';

/** A self-signed CA certificate (and its key) valid for `hosts`, as a corporate CA would be. */
export async function testCertificate(hosts: string[]): Promise<{ key: string; cert: string }> {
  const [first = 'localhost'] = hosts;
  const generated = await generate([{ name: 'commonName', value: first }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: hosts.map((value) => ({ type: 2, value })) },
    ],
  });
  return { key: generated.private, cert: generated.cert };
}

/**
 * Passes `socket` on to `target` (the simulator) both ways; when either end closes, both do.
 * Returns the upstream socket.
 */
export function relay(socket: net.Socket, target: URL): net.Socket {
  const upstream = net.connect(Number(target.port), target.hostname);
  for (const end of [socket, upstream]) {
    end.on('error', () => undefined);
    end.on('close', () => {
      socket.destroy();
      upstream.destroy();
    });
  }
  socket.pipe(upstream).pipe(socket);
  return upstream;
}
