package org.caffe4j.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The options shared by the commands that load a net: each error names the option and the value. */
class ModelOptionsBadInputTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--input-shape|1,3,abc,28|--input-shape '1,3,abc,28': 'abc' is not an integer; expected [BLOB=]N,C,H,W",
            "--input-shape|data=1,1,0,28|--input-shape 'data=1,1,0,28': dimension 0 must be at least 1",
            "--input-shape|data=1,1,-28,28|--input-shape 'data=1,1,-28,28': dimension -28 must be at least 1",
            "--input-shape|=1,1,28,28|--input-shape '=1,1,28,28': the blob name before '=' is empty",
            "--input-shape|1,,28,28|--input-shape '1,,28,28': '' is not an integer; expected [BLOB=]N,C,H,W",
            "--batch|0|--batch must be at least 1, got 0",
            "--channels|0|--channels must be at least 1, got 0",
            "--threads|-1|--threads must be 1 to 256, got -1",
    })
    void optionErrorsNameTheOptionAndTheValue(String option, String value, String message) {
        CliRun r = CliRun.of("summary", "testdata/lenet_mnist/lenet.prototxt", option, value);
        assertEquals(Main.EXIT_BAD_INPUT, r.code(), r.toString());
        assertEquals("error: " + message + "\n", r.err(), r.toString());
    }
}
