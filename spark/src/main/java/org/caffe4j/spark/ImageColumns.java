package org.caffe4j.spark;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

import java.util.List;

/** What the image transformers share: checking their input columns, and appending their output columns to a row. */
final class ImageColumns {
    private ImageColumns() {
    }

    static void require(StructType schema, String name, DataType type) {
        if (!List.of(schema.fieldNames()).contains(name)) {
            throw new IllegalArgumentException("no column '" + name + "' in the input (its columns: "
                    + String.join(", ", schema.fieldNames()) + ")");
        }
        if (!schema.apply(name).dataType().equals(type)) {
            throw new IllegalArgumentException("column '" + name + "' is " + schema.apply(name).dataType().simpleString()
                    + ", not " + type.simpleString());
        }
    }

    static void requireAbsent(StructType schema, String who, String... added) {
        for (String column : added) {
            if (List.of(schema.fieldNames()).contains(column)) {
                throw new IllegalArgumentException("the input already has a column '" + column + "', which " + who
                        + " adds");
            }
        }
    }

    /** {@code row}'s values followed by {@code added}. */
    static Row append(Row row, Object[] added) {
        Object[] values = new Object[row.length() + added.length];
        for (int c = 0; c < row.length(); c++) {
            values[c] = row.get(c);
        }
        System.arraycopy(added, 0, values, row.length(), added.length);
        return RowFactory.create(values);
    }

    static <T> scala.collection.immutable.Seq<T> seq(List<T> list) {
        return scala.jdk.javaapi.CollectionConverters.asScala(list).toList();
    }

    /** The row's name for messages: its path, else its position. */
    static String name(Row row, int pathIndex, int position) {
        return row.isNullAt(pathIndex) ? "row " + position : row.getString(pathIndex);
    }
}
