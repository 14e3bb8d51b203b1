package io.loghaul.ingest;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts single log records out of a serialized {@code ExportLogsServiceRequest}: for each wanted
 * record, a request of its own holding that record's bytes, unchanged, inside its {@code
 * ResourceLogs} (resource, schema URL) and {@code ScopeLogs} (scope, schema URL), as a dead letter
 * keeps it. Records are numbered in wire order (resource logs, then scope logs, then log records),
 * the order in which {@link OtlpLogDecoder} hands them out.
 *
 * <p>Works on the wire format (message fields 1 to 3 of the three levels), not through
 * protobuf-java's parser: a record rejected for invalid UTF-8 must still be cut out byte for byte,
 * and protobuf-java refuses such strings. Only on the rejected-records path; stateless.
 */
final class RejectedRecordSlicer {
  // ExportLogsServiceRequest.resource_logs, ResourceLogs.{resource, scope_logs, schema_url},
  // ScopeLogs.{scope, log_records, schema_url}: the same numbers at both levels
  private static final int REQUEST_RESOURCE_LOGS = 1;
  private static final int OUTER = 1;
  private static final int LIST = 2;
  private static final int SCHEMA_URL = 3;

  private RejectedRecordSlicer() {}

  /**
   * One single-record request per index in {@code indices[0, count)} (ascending, as the decoder
   * counted the records), in that order.
   *
   * @throws IOException (an {@code InvalidProtocolBufferException}) never for a request the decoder
   *     accepted
   */
  static List<byte[]> slice(byte[] buf, int offset, int length, int[] indices, int count)
      throws IOException {
    List<byte[]> out = new ArrayList<>(count);
    int[] cursor = {0, 0}; // next wanted position in indices, index of the next record
    for (int[] rl : fields(buf, offset, offset + length, REQUEST_RESOURCE_LOGS)) {
      int[] resource = first(buf, rl[0], rl[1], OUTER);
      int[] resourceSchema = first(buf, rl[0], rl[1], SCHEMA_URL);
      for (int[] sl : fields(buf, rl[0], rl[1], LIST)) {
        int[] scope = first(buf, sl[0], sl[1], OUTER);
        int[] scopeSchema = first(buf, sl[0], sl[1], SCHEMA_URL);
        for (int[] record : fields(buf, sl[0], sl[1], LIST)) {
          if (cursor[0] < count && indices[cursor[0]] == cursor[1]) {
            byte[] scopeLogs = message(buf, scope, record, scopeSchema);
            byte[] resourceLogs =
                message(buf, resource, new int[] {-1, -1}, resourceSchema, scopeLogs);
            ByteArrayOutputStream request = new ByteArrayOutputStream(resourceLogs.length + 6);
            field(request, REQUEST_RESOURCE_LOGS, resourceLogs, 0, resourceLogs.length);
            out.add(request.toByteArray());
            cursor[0]++;
          }
          cursor[1]++;
        }
      }
    }
    return out;
  }

  /**
   * {@code [start, end)} of every length-delimited field {@code number} directly in the message.
   */
  private static List<int[]> fields(byte[] buf, int start, int end, int number) throws IOException {
    List<int[]> ranges = new ArrayList<>();
    CodedInputStream in = CodedInputStream.newInstance(buf, start, end - start);
    while (!in.isAtEnd()) {
      int tag = in.readTag();
      if (WireFormat.getTagFieldNumber(tag) == number
          && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        int len = in.readRawVarint32();
        int from = start + in.getTotalBytesRead();
        ranges.add(new int[] {from, from + len});
        in.skipRawBytes(len);
      } else {
        in.skipField(tag);
      }
    }
    return ranges;
  }

  /**
   * The last occurrence of field {@code number} (protobuf's rule for a singular field), or {-1,
   * -1}.
   */
  private static int[] first(byte[] buf, int start, int end, int number) throws IOException {
    List<int[]> all = fields(buf, start, end, number);
    return all.isEmpty() ? new int[] {-1, -1} : all.get(all.size() - 1);
  }

  /**
   * A message of fields 1 ({@code outer}), 2 ({@code list} range or, if given, {@code listBytes})
   * and 3.
   */
  private static byte[] message(
      byte[] buf, int[] outer, int[] list, int[] schemaUrl, byte[]... listBytes)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (outer[0] >= 0) {
      field(out, OUTER, buf, outer[0], outer[1] - outer[0]);
    }
    if (listBytes.length > 0) {
      field(out, LIST, listBytes[0], 0, listBytes[0].length);
    } else {
      field(out, LIST, buf, list[0], list[1] - list[0]);
    }
    if (schemaUrl[0] >= 0) {
      field(out, SCHEMA_URL, buf, schemaUrl[0], schemaUrl[1] - schemaUrl[0]);
    }
    return out.toByteArray();
  }

  private static void field(ByteArrayOutputStream out, int number, byte[] b, int off, int len) {
    varint(out, number << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED);
    varint(out, len);
    out.write(b, off, len);
  }

  private static void varint(ByteArrayOutputStream out, int v) {
    while ((v & ~0x7F) != 0) {
      out.write((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out.write(v);
  }
}
