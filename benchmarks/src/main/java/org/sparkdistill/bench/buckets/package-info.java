/**
 * The bucket-policy benchmark: ranks as separate processes, linked by shaped links where possible, train one large
 * student with each gradient bucket policy in turn and compare step time, tail and overlap.
 */
package org.sparkdistill.bench.buckets;
