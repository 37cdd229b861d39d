package org.sparkdistill.jobs.spark;

import java.util.Iterator;
import scala.collection.AbstractIterator;

/**
 * Views between Java and Scala iterators that compile against Scala 2.12 and 2.13 alike: the converters of the two
 * Scala versions live in different classes ({@code scala.collection.JavaConverters} and
 * {@code scala.jdk.javaapi.CollectionConverters}), and the sequences Spark's API returns differ in type
 * ({@code scala.collection.Seq} on 2.12, {@code scala.collection.immutable.Seq} on 2.13), while
 * {@code scala.collection.Iterator} is the same on both.
 */
public final class ScalaIterators {
    private ScalaIterators() {}

    /** A Java view of {@code elements}; it reads them as it goes. */
    public static <T> Iterator<T> asJava(scala.collection.Iterator<? extends T> elements) {
        return new JavaView<>(elements);
    }

    /** A Scala view of {@code elements}; it reads them as it goes. */
    public static <T> scala.collection.Iterator<T> asScala(Iterator<T> elements) {
        return new ScalaView<>(elements);
    }

    private record JavaView<T>(scala.collection.Iterator<? extends T> elements) implements Iterator<T> {
        @Override
        public boolean hasNext() {
            return elements.hasNext();
        }

        @Override
        public T next() {
            return elements.next();
        }
    }

    private static final class ScalaView<T> extends AbstractIterator<T> {
        private final Iterator<T> elements;

        ScalaView(Iterator<T> elements) {
            this.elements = elements;
        }

        @Override
        public boolean hasNext() {
            return elements.hasNext();
        }

        @Override
        public T next() {
            return elements.next();
        }
    }
}
