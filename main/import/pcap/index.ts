// Packet captures (pcap, pcapng) imported as Chunkscope capture records.

export { PcapFormatError, isPcap, readPackets, type Packet, type PcapReadResult } from './read';
export { decodePacket, type Decoded, type TcpSegment } from './packets';
export { Reassembler, type Side, type StreamEvent, type TcpConnection } from './reassembly';
export { pcapToCapture, type PcapImport, type PcapImportOptions } from './to-capture';
export { pcapFileToCaptureFile, writeCaptureFile } from './capture-file';
