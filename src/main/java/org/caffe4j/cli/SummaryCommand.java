package org.caffe4j.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "summary", description = "Print every layer with its output shape, parameters and multiply-adds.")
final class SummaryCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("summary is not written yet");
    }
}
