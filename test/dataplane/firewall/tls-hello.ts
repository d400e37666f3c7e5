/** Test helper: TLS ClientHello bytes. */
/** A TLS 1.2 record holding a ClientHello with one server_name. */
export function clientHello(host: string): Uint8Array {
  const name = new TextEncoder().encode(host);
  const sni = [0, 0, 0, name.length + 5, 0, name.length + 3, 0, 0, name.length, ...name];
  const ext = [0x00, 0x0b, 0, 2, 1, 0, ...sni]; // ec_point_formats, then server_name
  const body = [3, 3, ...new Array(32).fill(7), 0, 0, 2, 0x13, 0x01, 1, 0, ext.length >> 8, ext.length & 255, ...ext];
  const hs = [1, 0, body.length >> 8, body.length & 255, ...body];
  return Uint8Array.from([22, 3, 1, hs.length >> 8, hs.length & 255, ...hs]);
}
