"""Reads one Confluent-framed Avro value from partition 0 of each topic with Confluent's own Python client.

An independent reference for the wire format: librdkafka consumes, confluent_kafka's MessageSerializer
checks the magic byte, fetches the writer schema by id from the registry and decodes with the avro package.
Prints one JSON line per record: {"topic": ..., "value": ...}; times as epoch millis, bytes as hex.

usage: read_topics.py <bootstrap servers> <registry url> <topic>...
"""
import datetime
import json
import sys
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition
from confluent_kafka.avro.cached_schema_registry_client import CachedSchemaRegistryClient
from confluent_kafka.avro.serializer.message_serializer import MessageSerializer

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def plain(value):
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, datetime.datetime):
        return (value - EPOCH) // datetime.timedelta(milliseconds=1)
    raise TypeError("cannot print %r" % (value,))


def main(bootstrap, registry_url, topics):
    serializer = MessageSerializer(CachedSchemaRegistryClient({"url": registry_url}))
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "confluent-python-reader",
                         "enable.auto.commit": False})
    consumer.assign([TopicPartition(topic, 0, OFFSET_BEGINNING) for topic in topics])
    pending = set(topics)
    deadline = time.monotonic() + 60
    try:
        while pending and time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is None:
                continue
            if message.error():
                sys.exit("consumer error: %s" % message.error())
            if message.topic() in pending:
                pending.discard(message.topic())
                value = serializer.decode_message(message.value())
                print(json.dumps({"topic": message.topic(), "value": value}, default=plain, sort_keys=True))
    finally:
        consumer.close()
    if pending:
        sys.exit("no record within 60 s on %s" % sorted(pending))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
