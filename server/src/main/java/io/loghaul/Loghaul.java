package io.loghaul;

public final class Loghaul {
  public static void main(String[] args) {
    System.out.println("usage: loghaul run|test");
  }
}
