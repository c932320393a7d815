FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bin ./bin
COPY config ./config
COPY schema ./schema
COPY fixtures ./fixtures
RUN npm ci --no-audit --no-fund && npm cache clean --force
ENV NODE_ENV=production
ENTRYPOINT ["node", "bin/newsflow.js"]
CMD ["serve"]
