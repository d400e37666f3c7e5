/**
 * dataplane/wire: header views, checked Reprs and checksums for every protocol the dataplane reads.
 * See README.md in this folder for the conventions.
 */
export * from './error';
export * from './ipproto';
export * from './ethernet';
export * from './sll';
export * from './arp';
export * from './ipv4';
export * from './ipv6';
export * from './icmp';
export * from './icmpv6';
export * from './tcp';
export * from './udp';
export * from './checksum';
export * from './parse';
export * from './describe';
