package org.caffe4j.cli;

public final class Main {
    public static void main(String[] args) {
        System.out.println(org.caffe4j.proto.Caffe.NetParameter.getDescriptor().getFullName());
    }
}
