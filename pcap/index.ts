/**
 * The pcap module's public surface: capture readers (classic pcap and pcapng), writers, and rewriting.
 * See README.md in this folder.
 */
export * from './reader';
export { PcapWriter, PcapngWriter, type PcapWriterOptions, type PcapngSectionOptions, type PcapngInterfaceOptions } from './writer';
export {
  rewriteCapture, copyCapture, copyPcapRecords, copyPcapngBlocks, pcapWriterOptions, pcapngSectionOptions,
  type CopyResult, type RewriteResult,
} from './copy';
export { LINKTYPE_ETHERNET, LINKTYPE_RAW, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, linkTypeName } from './linktype';
export { TsResolution } from './ts';
