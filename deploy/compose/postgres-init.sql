-- One database per service (a service never reads another's tables).
CREATE DATABASE registry;
CREATE DATABASE catalog;
CREATE DATABASE assessment;
CREATE DATABASE finance;
CREATE DATABASE indexer;
