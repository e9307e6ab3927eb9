/**
 * Coverage-guided fuzz tests (Jazzer's JUnit integration). {@code mvn test} replays each target's committed corpus
 * ({@code src/test/resources/org/caffe4j/fuzz/<Class>Inputs/<method>/}) as regression tests; {@code .ci/fuzz}
 * fuzzes each target for a bounded time. A target passes input through the importer and must end normally or in
 * a clean failure ({@link org.caffe4j.fuzz.CleanFailures}). To add a target, write one
 * {@code @FuzzTest} method that calls the code inside {@code CleanFailures.expectClean}, seed its corpus folder and add {@code Class#method} to the list in {@code .ci/fuzz}.
 */
package org.caffe4j.fuzz;
