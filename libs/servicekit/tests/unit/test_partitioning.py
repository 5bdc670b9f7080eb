"""Our partitioner puts every key where Kafka's default (aiokafka's, the Java client's) would."""

import random

from aiokafka.partitioner import DefaultPartitioner
from aiokafka.partitioner import murmur2 as reference

from servicekit.partitioning import ARRAYS_FROM, murmur2, partition_of, partitions_of


def test_murmur2_equals_the_reference_on_keys_of_every_length() -> None:
    rng = random.Random(11)
    for length in range(0, 40):
        for _ in range(200):
            key = bytes(rng.randrange(256) for _ in range(length))
            assert murmur2(key) == reference(key), key


def test_java_client_vectors() -> None:
    # From the Java client's tests (org.apache.kafka.common.utils.UtilsTest#testMurmur2), as signed ints.
    vectors = {b"21": -973932308, b"foobar": -790332482, b"a-little-bit-long-string": -985981536}
    for key, signed in vectors.items():
        assert murmur2(key) == signed & 0xFFFFFFFF


def test_partition_of_a_uscc_matches_the_default_partitioner() -> None:
    partitions = list(range(8))
    rng = random.Random(3)
    for _ in range(2000):
        key = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(18)).encode()
        assert partition_of(key, partitions) == DefaultPartitioner()(key, partitions, partitions)


def test_partitions_of_many_keys_equals_the_default_partitioner_key_by_key() -> None:
    """Arrays of keys of every length, mixed in one call (a relay's round can hold several topics' keys), and
    rounds below and above the size from which they are hashed as arrays."""
    rng = random.Random(17)
    partitions = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
    for count in (1, ARRAYS_FROM - 1, ARRAYS_FROM, 3000):
        keys = [bytes(rng.randrange(256) for _ in range(rng.randrange(0, 40))) for _ in range(count)]
        expected = [DefaultPartitioner()(key, partitions, partitions) for key in keys]
        assert partitions_of(keys, partitions) == expected
    usccs = [bytes(rng.choice(b"0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(18)) for _ in range(5000)]
    assert partitions_of(usccs, [3, 5, 9]) == [partition_of(key, [3, 5, 9]) for key in usccs]
